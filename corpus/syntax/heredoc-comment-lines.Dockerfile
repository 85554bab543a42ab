FROM alpine
RUN <<EOF
#!/bin/sh
# this is content, not a comment
echo a \

RUNN not an instruction
EOF
