Attribute VB_Name = "Ribbon"
Option Explicit

' The one callback behind every button of the segmenter ribbon tab (customUI14.xml).
' The button's id names the action: segmenter.ribbon(id) looks it up in
' segmenter.RIBBON_ACTIONS and runs it on this workbook. RunPython is in the
' xlwings module, the official one shipped with the xlwings Python package.
Sub SegmenterAction(control As IRibbonControl)
    RunPython "import segmenter; segmenter.ribbon('" & control.Id & "')"
End Sub
