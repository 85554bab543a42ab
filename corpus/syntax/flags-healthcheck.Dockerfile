FROM alpine
HEALTHCHECK --interval=30s --timeout=1m30s --start-period=1.5h --start-interval=500ms --retries=3 CMD curl -f http://localhost/
HEALTHCHECK --interval=30 --timeout=3x --start-period=abc --start-interval=10us --retries=-1 CMD true
HEALTHCHECK --interval=0 --timeout= --retries= --retries=two CMD true
