"""``kx serve``: the graph in a browser for colleagues, and a standard SPARQL endpoint.

    app.py      the ASGI application (Starlette): settings, routes, reading the store per request
    protocol.py the SPARQL 1.1 Protocol at /sparql: GET/POST, content negotiation, service description
    pages.py    the explorer site (Chinese, with an English switch): search, entities, queries, editor
    provenance.py  the report (as of a date, within a period) and the sources pages
    run.py      serving the application with uvicorn

Starlette and uvicorn are the optional extra ``kxgraph[serve]``; nothing here is imported by
``kx --help`` or by ``import kxgraph``.
"""
