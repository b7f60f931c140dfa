"""The bundled default model (``default.joblib``) and its model card (``default.json``).

Installed as the package ``boilerplate.models`` and found with :mod:`importlib.resources`,
so it loads from a wheel as well as from a source checkout.
"""
