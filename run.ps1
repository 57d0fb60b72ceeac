# segmenter's commands in PowerShell: .\run demo | excel | test | wheel | lite | addin; see run.py.
# The Python launcher "py" comes with python.org's installer; "python" when it is not there.
if (Get-Command py -ErrorAction SilentlyContinue) {
    & py -3 "$PSScriptRoot\run.py" @args
} else {
    & python "$PSScriptRoot\run.py" @args
}
exit $LASTEXITCODE
