FROM alpine
ENV JAVA_HOME /usr/lib/jvm/default java
LABEL maintainer Jane Doe
ENV ONLYKEY
