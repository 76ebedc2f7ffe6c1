"""The command registry: one module per sub-command, each a :class:`~slacktivism.commands.base.Command`."""

from slacktivism.commands.app import App
from slacktivism.commands.calibrate import Calibrate
from slacktivism.commands.compare import Compare
from slacktivism.commands.joint import Joint
from slacktivism.commands.optimize import Optimize
from slacktivism.commands.replay import Replay
from slacktivism.commands.report import Report
from slacktivism.commands.run import Run
from slacktivism.commands.sweep import Sweep
from slacktivism.commands.validate import Validate

#: Every sub-command, in the order ``slacktivism --help`` lists them.
COMMANDS = (Run, Validate, Sweep, Replay, Optimize, Report, Compare, Calibrate, Joint, App)
