#!/bin/sh
# Stand-in for Prisma's native schema engine, which cannot be downloaded on our machines.
# `prisma generate` only needs the variable to point at a file; anything that would really run
# the engine (prisma migrate, db pull) gets this message instead of a download attempt.
echo "The Prisma schema engine is not installed here. Apply migrations with 'npm run db:migrate' (docs/data.md)." >&2
exit 1
