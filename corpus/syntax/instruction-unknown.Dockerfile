FROM alpine
RUNN echo typo
cpoy a b
import something
ONBUILD WORKDIRR /x
