"""The VSS Citizen Assistant's own Python: NLU components, channels, knowledge, CLI.

Importing the package turns on masking of personal numbers in every log record of
the process (the Rasa server and the action server both import it).
"""

from bot.common.pii import install_log_masking

install_log_masking()
