"""speechkg: Chinese official speeches → RDF knowledge graph.

Data flows one way: read → segment → extract → link → rdf → outputs
(query, html, analyze). `pipeline.build` strings the steps together.
"""

__version__ = "0.1.0"
