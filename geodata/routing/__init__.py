"""Travel on the road network: vehicle speeds, the shared road graph, exact nearest units."""
