# syntax=docker/dockerfile:1.7
#ESCAPE = `
  #  Check=skip=all;error=true  
FROM alpine
RUN echo `
  hi
