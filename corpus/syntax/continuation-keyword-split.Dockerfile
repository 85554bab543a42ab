FR\
OM alpine
RU\
# comment between the halves
N echo split
EN\
V A=1
