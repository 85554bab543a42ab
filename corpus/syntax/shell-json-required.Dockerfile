FROM alpine
SHELL /bin/bash -c
SHELL ['/bin/bash', '-c']
SHELL []
SHELL ["/bin/bash", "-c"]
