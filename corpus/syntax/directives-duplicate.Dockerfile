# syntax=docker/dockerfile:1
# Syntax=other
# escape=\
# ESCAPE=`
FROM alpine
