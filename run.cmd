@echo off
rem segmenter's commands on Windows (cmd): run demo ^| excel ^| test ^| wheel ^| lite ^| addin; see run.py.
rem The Python launcher "py" comes with python.org's installer; "python" when it is not there.
setlocal
where py >nul 2>nul
if %errorlevel%==0 (
    py -3 "%~dp0run.py" %*
) else (
    python "%~dp0run.py" %*
)
exit /b %errorlevel%
