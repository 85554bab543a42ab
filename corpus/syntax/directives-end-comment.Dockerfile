# syntax=docker/dockerfile:1
# a plain comment
# escape=`
FROM alpine
