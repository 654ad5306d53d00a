"""cup2std: clinical registry exports -> CDISC SDTM (XPT v5), driven by mapping files."""
__version__ = "0.1.0"
