Attribute VB_Name = "Ribbon"
Option Explicit

' The one callback behind every button of the segmenter ribbon tab (customUI14.xml).
' The button's id names the action: segmenter.ribbon(id) looks it up in
' segmenter.RIBBON_ACTIONS and runs it on the active workbook (in the add-in,
' xlwings.Book.caller() is the workbook the user has open, never the add-in).
' Check setup imports only excel_setup, which needs nothing but Python and
' xlwings, so that it can name a missing numpy, pandas or scipy.
' RunPython is in the xlwings module, the official one shipped with the xlwings
' Python package.
Sub SegmenterAction(control As IRibbonControl)
    If control.Id = "check_setup" Then
        RunPython "import excel_setup; excel_setup.check_setup()"
    Else
        RunPython "import segmenter; segmenter.ribbon('" & control.Id & "')"
    End If
End Sub
