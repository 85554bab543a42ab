#!/usr/bin/env dockerfile
# escape=`
# syntax=a
# syntax=b
FROM alpine
RUN echo a `
