FROM alpine
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d --chown=1:1 --chmod=644 --link --keep-git-dir=true --unpack=false --exclude=*.tmp https://example.com/a.tar /a
ADD --from=build a b
