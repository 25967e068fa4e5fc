//! German labels for the AdV/ALKIS codes used in LoD2 building models
//! (AdV CityGML profile, "Gebäudefunktion" and "Dachform" code lists).

/// Dachform (bldg:roofType) → German label.
pub fn roof_type_label(code: &str) -> Option<&'static str> {
    Some(match code.trim() {
        "1000" => "Flachdach",
        "2100" => "Pultdach",
        "2200" => "Versetztes Pultdach",
        "3100" => "Satteldach",
        "3200" => "Walmdach",
        "3300" => "Krüppelwalmdach",
        "3400" => "Mansardendach",
        "3500" => "Zeltdach",
        "3600" => "Kegeldach",
        "3700" => "Kuppeldach",
        "3800" => "Sheddach",
        "3900" => "Bogendach",
        "4000" => "Turmdach",
        "5000" => "Mischform",
        "9999" => "Sonstiges",
        _ => return None,
    })
}

/// Gebäudefunktion (bldg:function, "31001_<ALKIS code>") → German label.
/// Covers the ALKIS Gebäudefunktion codes most frequent in LoD2 tiles.
pub fn building_function_label(code: &str) -> Option<&'static str> {
    // Structures that are not buildings carry their ALKIS object type as prefix.
    match code.trim() {
        "51009_1610" => return Some("Überdachung"),
        "51009_1611" => return Some("Carport"),
        "53001_1800" => return Some("Brücke"),
        _ => {}
    }
    let alkis = code.trim().strip_prefix("31001_").unwrap_or(code.trim());
    Some(match alkis {
        "1000" => "Wohngebäude",
        "1010" => "Wohnhaus",
        "1020" => "Wohnheim",
        "1100" => "Gemischt genutztes Gebäude mit Wohnen",
        "1110" => "Wohngebäude mit Gemeinbedarf",
        "1120" => "Wohngebäude mit Handel und Dienstleistungen",
        "1130" => "Wohngebäude mit Gewerbe und Industrie",
        "1210" => "Land- und forstwirtschaftliches Wohngebäude",
        "1220" => "Land- und forstwirtschaftliches Wohn- und Betriebsgebäude",
        "1310" => "Gebäude zur Freizeitgestaltung",
        "1311" => "Ferienhaus",
        "1312" => "Wochenendhaus",
        "1313" => "Gartenhaus",
        "2000" => "Gebäude für Wirtschaft oder Gewerbe",
        "2010" => "Gebäude für Handel und Dienstleistungen",
        "2020" => "Bürogebäude",
        "2050" => "Geschäftsgebäude",
        "2056" => "Kaufhaus",
        "2060" => "Gebäude für Beherbergung",
        "2071" => "Hotel, Motel, Pension",
        "2100" => "Gebäude für Gewerbe und Industrie",
        "2110" => "Produktionsgebäude",
        "2112" => "Betriebsgebäude",
        "2120" => "Werkstatt",
        "2130" => "Tankstelle",
        "2140" => "Gebäude für Vorratshaltung",
        "2143" => "Lagerhalle, Lagerschuppen, Lagerhaus",
        "2400" => "Betriebsgebäude zu Verkehrsanlagen (allgemein)",
        "2460" => "Gebäude zum Parken",
        "2461" => "Parkhaus",
        "2463" => "Garage",
        "2465" => "Tiefgarage",
        "2500" => "Gebäude zur Versorgung",
        "2501" => "Gebäude zur Energieversorgung",
        "2513" => "Wasserbehälter",
        "2523" => "Umformer",
        "2700" => "Gebäude für Land- und Forstwirtschaft",
        "2720" => "Land- und forstwirtschaftliches Betriebsgebäude",
        "2721" => "Scheune",
        "2723" => "Schuppen",
        "2724" => "Stall",
        "2726" => "Scheune und Stall",
        "2740" => "Treibhaus, Gewächshaus",
        "3000" => "Gebäude für öffentliche Zwecke",
        "3010" => "Verwaltungsgebäude",
        "3020" => "Gebäude für Bildung und Forschung",
        "3021" => "Allgemein bildende Schule",
        "3023" => "Hochschulgebäude (Fachhochschule, Universität)",
        "3040" => "Gebäude für religiöse Zwecke",
        "3041" => "Kirche",
        "3050" => "Gebäude für Gesundheitswesen",
        "3051" => "Krankenhaus",
        "3060" => "Gebäude für soziale Zwecke",
        "3065" => "Kinderkrippe, Kindergarten, Kindertagesstätte",
        "3070" => "Gebäude für Sicherheit und Ordnung",
        "3072" => "Feuerwehr",
        "3080" => "Friedhofsgebäude",
        "3200" => "Gebäude für Erholungszwecke",
        "3211" => "Sport-, Turnhalle",
        "9998" => "Nach Quellenlage nicht zu spezifizieren",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_for_codes_in_the_nrw_tile() {
        assert_eq!(building_function_label("31001_2723"), Some("Schuppen"));
        assert_eq!(building_function_label("31001_1000"), Some("Wohngebäude"));
        assert_eq!(roof_type_label("3100"), Some("Satteldach"));
        assert_eq!(roof_type_label("1000"), Some("Flachdach"));
        assert_eq!(building_function_label("51009_1610"), Some("Überdachung"));
        assert_eq!(building_function_label("31001_0000"), None);
    }
}
