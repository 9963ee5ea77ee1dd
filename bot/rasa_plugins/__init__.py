"""What the Rasa server loads: NLU components, channels, tracker and lock stores."""
