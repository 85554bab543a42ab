FROM alpine
RUN 3<<EOF cat /dev/fd/3 && 10<<-END cat /dev/fd/10
three
EOF
	ten
	END
