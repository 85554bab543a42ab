FROM alpine
# syntax=docker/dockerfile:1
# escape=`
RUN echo \
  hi
