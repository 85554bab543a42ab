FROM alpine
RUN cat <<EOF \
  > /out
body
EOF
ONBUILD RUN <<EOF
echo later
EOF
