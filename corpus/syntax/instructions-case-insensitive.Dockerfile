from alpine as Build
Run echo a
cOpY a b
env A=1
HealthCheck none
onbuild run x
