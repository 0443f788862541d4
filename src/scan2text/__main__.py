from scan2text.cli import app

app(prog_name="scan2text")
