FROM alpine
RUN <<EOF
apk add curl
echo $HOME
EOF
RUN python3 <<EOT
print("hi")
EOT
COPY <<EOF /etc/motd
welcome
EOF
ADD <<EOF /x
EOF
