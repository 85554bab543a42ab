FROM alpine
RUN apk add \
      curl \  
      git
COPY a \
b \
/dest/
