"""The Prefect flow and the run's early API server, installed as `scan2text.flows`."""
