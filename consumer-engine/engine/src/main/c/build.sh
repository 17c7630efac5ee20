#!/bin/sh
# Builds the optional native kernels into the class path (see NativeKernels). Never fails the build: without
# gcc, or on another OS/arch, or when gcc fails, it warns and the engine runs the Java kernels.
# Usage: build.sh <source.c> <output directory>
src="$1"
out="$2"
cc="${LORAQ_CC:-gcc}"
case "$(uname -s)/$(uname -m)" in
  Linux/x86_64) ;;
  *) echo "[WARNING] native kernels: only built on Linux/x86_64, using the Java kernels"; exit 0 ;;
esac
if ! command -v "$cc" >/dev/null 2>&1; then
  echo "[WARNING] native kernels: $cc not found, building without them (the Java kernels run)"
  exit 0
fi
mkdir -p "$out" || exit 0
# No -march: the library must load on any x86-64 CPU; the kernels carry their own AVX-512 target attribute.
if "$cc" -O3 -fPIC -shared -std=c11 -Wall -Wextra -fvisibility=hidden -o "$out/libloraq_kernels.so.tmp" "$src"; then
  mv "$out/libloraq_kernels.so.tmp" "$out/libloraq_kernels.so"
  echo "[INFO] native kernels: built $out/libloraq_kernels.so with $cc"
else
  rm -f "$out/libloraq_kernels.so.tmp" "$out/libloraq_kernels.so"
  echo "[WARNING] native kernels: $cc failed, building without them (the Java kernels run)"
fi
exit 0
