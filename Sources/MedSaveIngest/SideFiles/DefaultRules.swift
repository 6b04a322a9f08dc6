/// The safety rules medsave ships with, seeded from the guidance each rule cites. This CSV text is the shipped rules file:
/// `medsave rules export` writes it out for a pharmacist to edit and pass back with `rank --rules PATH`.
public enum DefaultRules {
    public static let csv = """
        match,pattern,action,reason,source
        atc,L04AD02,exclude,"Tacrolimus: narrow therapeutic index; products are not interchangeable in Sweden","Läkemedelsverket: tacrolimus products are not on the list of interchangeable medicines"
        atc,L04AA06,exclude,"Mycophenolate mofetil: not interchangeable in Sweden","Läkemedelsverket: mycophenolate products are not on the list of interchangeable medicines"
        atc,L04AD01,exclude,"Ciclosporin: narrow therapeutic index; switch only under specialist supervision","Läkemedelsverket, utbytbarhet: ciklosporin"
        atc,N03AB02,exclude,"Phenytoin: antiepileptic in category 1; keep the patient on one manufacturer's product","MHRA Drug Safety Update, November 2017: antiepileptic drugs, category 1"
        atc,N03AF01,exclude,"Carbamazepine: antiepileptic in category 1; keep the patient on one manufacturer's product","MHRA Drug Safety Update, November 2017: antiepileptic drugs, category 1"
        atc,N03AA02,exclude,"Phenobarbital: antiepileptic in category 1; keep the patient on one manufacturer's product","MHRA Drug Safety Update, November 2017: antiepileptic drugs, category 1"
        atc,N03AA03,exclude,"Primidone: antiepileptic in category 1; keep the patient on one manufacturer's product","MHRA Drug Safety Update, November 2017: antiepileptic drugs, category 1"
        atc,N05AN01,exclude,"Lithium: narrow therapeutic index; serum levels differ between products","Läkemedelsverket, utbytbarhet: litium; BNF: prescribe lithium by brand"
        atc,B01AA03,exclude,"Warfarin: a brand switch needs INR follow-up","Läkemedelsverket, utbytbarhet: warfarin (Waran/Warfarin Orion not interchangeable without INR control)"
        atc,N03,review,"Antiepileptic: a switch can change seizure control; check with the prescriber","MHRA Drug Safety Update, November 2017: antiepileptic drugs, categories 2 and 3"
        atc,H03AA01,review,"Levothyroxine: narrow therapeutic index; check TSH after a switch","Läkemedelsverket: levotyroxin, monitoring after product change"
        atc,R03,review,"Inhaler: a device switch needs instruction in the new technique","Läkemedelsverket: inhalation devices are not automatically interchangeable"
        atc,A10A,review,"Insulin: device and formulation differ between products","Läkemedelsverket: insulins are not interchangeable at the pharmacy"
        atc,L04AB,review,"Biological medicine (TNF inhibitor): biosimilar switching is a prescriber's decision","Läkemedelsverket: biological medicines and biosimilars are not exchanged at the pharmacy"
        attribute,biological,review,"Biological medicine: biosimilar switching is a prescriber's decision","Läkemedelsverket: biological medicines and biosimilars are not exchanged at the pharmacy"
        attribute,device,review,"Device (inhaler or pen): the patient must learn the new device","Läkemedelsverket: inhalation devices are not automatically interchangeable"
        attribute,narcotic,same-group-only,"Narcotic: switch only to an identical pack size in the same exchange group","TLV: narcotics pack-size groups (TN/MN/GN) allow identical pack sizes only"
        """
}
