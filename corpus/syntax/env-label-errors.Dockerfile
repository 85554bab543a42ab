FROM alpine
ENV A=1 B C=3
LABEL a=b orphan
ENV =value
ARG =x
