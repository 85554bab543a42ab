FROM alpine
COPY <<'EOF' /a
$NOT_EXPANDED
EOF
COPY <<"EOF" /b
$NOT_EXPANDED
EOF
COPY <<eo'f' /c
x
eof
RUN <<'one two'
x
one two
