"""The performance benchmark: `python -m bench` (`make bench`), `python -m bench --quick` to check it runs."""
