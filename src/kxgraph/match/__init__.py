"""``kx match``: explainable matching of academicians, experts and workstations to technical needs."""
