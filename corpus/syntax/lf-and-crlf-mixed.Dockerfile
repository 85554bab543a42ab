FROM alpine
RUN echo lf
RUN echo crlf
