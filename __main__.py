"""`python -m speechkg`: the same command line as the `speechkg` script."""

from speechkg.cli import cli

if __name__ == "__main__":
    cli(prog_name="speechkg")
