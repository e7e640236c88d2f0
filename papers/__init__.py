"""The papers a case produces (委托书, 受理通知书, 终止委托记录, 综合报告, 跟踪备案表):
Jinja templates rendered to PDF by WeasyPrint, and to DOCX for the offices that edit them."""
