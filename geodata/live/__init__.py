"""The shared live picture of a city: what is read, how slots change, how it is stored."""
