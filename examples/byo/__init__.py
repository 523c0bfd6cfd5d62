"""User-written participants used by the bring-your-own examples."""
