FROM alpine
RUN cat <<  EOF
body
EOF
COPY <<	EOF /a
body
EOF
