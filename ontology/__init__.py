"""The speechkg ontology (OWL, SHACL) and its namespace; imports nothing from graph/."""
