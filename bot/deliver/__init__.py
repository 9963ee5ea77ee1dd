"""The ``deliver`` loop: ticket news into conversations, live-chat messages to tickets."""
