"""The shells around the model: command line and result files."""
