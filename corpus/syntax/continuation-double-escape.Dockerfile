FROM alpine
RUN echo C:\\
RUN echo next
RUN echo \\  
USER root
