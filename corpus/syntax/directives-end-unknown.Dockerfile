# syntax=docker/dockerfile:1
# foo=bar
# check=skip=all
FROM alpine
