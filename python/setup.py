"""Install the headroom Python package over libheadroom.

    make                                     # builds build/libheadroom.so
    python3 -m venv --system-site-packages venv
    venv/bin/pip install ./python

Debian's pip builds with the installed setuptools (python3-setuptools), so
the install works offline; a newer pip needs --no-build-isolation for that.
The package bundles the library built in ../build and the specifications of
../models when they exist (HEADROOM_LIB=path/libheadroom.so picks another
library); without them it loads the system's libheadroom.so.0 (make
install) at import.
"""
import glob
import os
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def _version():
    with open(os.path.join(ROOT, "include", "headroom.h")) as f:
        for line in f:
            if line.startswith("#define HR_VERSION_STRING"):
                return line.split('"')[1]
    return "0"


class BuildWithLibrary(build_py):
    """Copy libheadroom.so and models/*.spec into the built package."""

    def run(self):
        super().run()
        dest = os.path.join(self.build_lib, "headroom")
        lib = os.environ.get("HEADROOM_LIB") or os.path.join(ROOT, "build", "libheadroom.so")
        if os.path.exists(lib):
            shutil.copyfile(os.path.realpath(lib), os.path.join(dest, "libheadroom.so"))
        specs = glob.glob(os.path.join(ROOT, "models", "*.spec"))
        if specs:
            os.makedirs(os.path.join(dest, "models"), exist_ok=True)
            for s in specs:
                shutil.copyfile(s, os.path.join(dest, "models", os.path.basename(s)))


setup(
    name="headroom",
    version=_version(),
    description="Hourly load forecasting and grid headroom (bindings to libheadroom)",
    packages=["headroom"],
    install_requires=["numpy"],
    python_requires=">=3.8",
    cmdclass={"build_py": BuildWithLibrary},
    zip_safe=False,
)
