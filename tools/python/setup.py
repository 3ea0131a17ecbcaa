"""`pip install tools/python`: installs the `hyperlab` package, offline.

The message and stub modules (hyperlab/v1/*_pb2.py, *_pb2_grpc.py) are generated from the repository's
proto/ while building, by `protoc` and `grpc_python_plugin` (Debian: protobuf-compiler,
protobuf-compiler-grpc), exactly as the CMake build does; they are never written by hand. Runtime
dependencies are Debian's python3-grpcio, python3-protobuf and python3-yaml; pandas is optional.

With Debian's Python (which has those packages) and no network:
    python3 -m venv --system-site-packages ~/.venvs/hyperlab && ~/.venvs/hyperlab/bin/pip install tools/python
or  /usr/bin/python3 -m pip install --break-system-packages tools/python
$HYPERLAB_PROTO_DIR overrides where proto/ is; $PROTOC and $GRPC_PYTHON_PLUGIN the tools.
"""
import os
import shutil
import subprocess

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
PROTOS = ("study", "train", "services")


def _tool(env, name):
    path = os.environ.get(env) or shutil.which(name)
    if not path:
        raise SystemExit(f"setup.py: {name} not found (install protobuf-compiler and protobuf-compiler-grpc, "
                         f"or set ${env})")
    return path


class BuildWithStubs(build_py):
    """build_py, plus protoc generating hyperlab/v1 into the build directory."""

    def run(self):
        super().run()
        proto_root = os.environ.get("HYPERLAB_PROTO_DIR") or os.path.join(HERE, "..", "..", "proto")
        files = [os.path.join(proto_root, "hyperlab", "v1", f"{p}.proto") for p in PROTOS]
        missing = [f for f in files if not os.path.isfile(f)]
        if missing:
            raise SystemExit(f"setup.py: {missing[0]} not found; install from a Hyperlab checkout "
                             "(pip install tools/python) or set $HYPERLAB_PROTO_DIR")
        out = os.path.abspath(self.build_lib)
        os.makedirs(os.path.join(out, "hyperlab", "v1"), exist_ok=True)
        subprocess.run([_tool("PROTOC", "protoc"), "-I", proto_root, f"--python_out={out}", f"--grpc_out={out}",
                        f"--plugin=protoc-gen-grpc={_tool('GRPC_PYTHON_PLUGIN', 'grpc_python_plugin')}", *files],
                       check=True)
        open(os.path.join(out, "hyperlab", "v1", "__init__.py"), "a").close()


setup(
    name="hyperlab",
    version="0.1.0",
    description="Python client of Hyperlab: ask/tell hyperparameter search from your own training loop",
    packages=["hyperlab"],
    package_data={"hyperlab": ["py.typed"]},
    python_requires=">=3.9",
    install_requires=["grpcio", "protobuf", "PyYAML"],
    extras_require={"dataframe": ["pandas"]},
    cmdclass={"build_py": BuildWithStubs},
)
