FROM	alpine	AS	base
	RUN	echo	a \
		b
ENV	A=1	B=2
LABEL	k="tab	inside"
