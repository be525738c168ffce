"""Simulation results whose stats carry units and descriptions."""


class Result:
    """Stats of one simulation.

    stats: {name: value}, units: {name: unit}, descriptions: {name: text}, in the simulator's
    order; `result["cycles"]` is a value; to_dataframe() gives one row per stat (name, value,
    unit, description). `nested` holds the stats as `stcsim run` writes stats.json (run only),
    `config` the fully resolved config.
    """

    def __init__(self, described, nested=None, config=None):
        self.stats = {name: entry["value"] for name, entry in described.items()}
        self.units = {name: entry["unit"] for name, entry in described.items()}
        self.descriptions = {name: entry["description"] for name, entry in described.items()}
        self.nested = nested
        self.config = config

    def __getitem__(self, name):
        return self.stats[name]

    def __contains__(self, name):
        return name in self.stats

    def __repr__(self):
        shown = ", ".join("{}={} {}".format(n, self.stats[n], self.units[n]) for n in list(self.stats)[:3])
        return "<stcsim.Result {} stats: {}{}>".format(len(self.stats), shown, ", ..." if len(self.stats) > 3 else "")

    def to_dataframe(self):
        import pandas
        return pandas.DataFrame(
            [(n, v, self.units[n], self.descriptions[n]) for n, v in self.stats.items()],
            columns=["name", "value", "unit", "description"])
