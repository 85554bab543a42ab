FROM alpine
RUN <<EOF cat
line one
EOF 
line two
