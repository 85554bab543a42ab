FROM alpine
RUN <<-EOF
	echo tabbed
		echo twice
	EOF
RUN <<EOF
	EOF
EOF
